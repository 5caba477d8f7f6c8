import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ConflictException, Locale, NotFoundException, StaffRole } from '@touchbase/core';
import { ApiKeyService } from './api-key.service';
import { StaffAuthService } from './auth/staff-auth.service';
import { StaffSessionsService } from './auth/staff-sessions.service';
import { CreateStaffMemberDto, InviteStaffMemberDto, UpdateStaffMemberDto } from './dto/staff.dto';
import { PasswordTokenPurpose } from './entities/staff-password-token.entity';
import { StaffMember } from './entities/staff-member.entity';

@Injectable()
export class StaffService {
  constructor(
    @InjectRepository(StaffMember) private readonly staff: Repository<StaffMember>,
    private readonly dataSource: DataSource,
    private readonly keys: ApiKeyService,
    private readonly sessions: StaffSessionsService,
    private readonly auth: StaffAuthService,
  ) {}

  list(filter: { role?: StaffRole; active?: boolean } = {}): Promise<StaffMember[]> {
    return this.staff.find({ where: filter, order: { name: 'ASC' } });
  }

  async get(id: string): Promise<StaffMember> {
    const member = await this.staff.findOneBy({ id });
    if (!member) throw new NotFoundException('Staff member', id);
    return member;
  }

  /** By id or email: what the CLI accepts. */
  async find(idOrEmail: string): Promise<StaffMember> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrEmail);
    const member = await this.staff.findOneBy(
      isUuid ? { id: idOrEmail } : { email: idOrEmail.toLowerCase() },
    );
    if (!member) throw new NotFoundException('Staff member', idOrEmail);
    return member;
  }

  async create(dto: CreateStaffMemberDto): Promise<StaffMember> {
    await this.assertEmailFree(dto.email);
    return this.staff.save(this.staff.create({ ...dto, email: dto.email.toLowerCase(), active: true }));
  }

  /** Creates the member and emails them a set-password link (valid 7 days). */
  async invite(dto: InviteStaffMemberDto): Promise<StaffMember> {
    const member = await this.create({ name: dto.name, email: dto.email, role: dto.role });
    if (dto.locale && dto.locale !== member.locale) {
      await this.staff.update({ id: member.id }, { locale: dto.locale });
      member.locale = dto.locale;
    }
    await this.auth.sendLink(member, PasswordTokenPurpose.Invitation);
    return this.get(member.id);
  }

  async update(id: string, dto: UpdateStaffMemberDto): Promise<StaffMember> {
    const member = await this.get(id);
    if (dto.email && dto.email !== member.email) await this.assertEmailFree(dto.email);
    const losesAdmin =
      member.role === StaffRole.Admin &&
      member.active &&
      ((dto.role !== undefined && dto.role !== StaffRole.Admin) || dto.active === false);
    if (losesAdmin) await this.assertNotLastAdmin(id);
    const deactivates = member.active && dto.active === false;
    return this.dataSource.transaction(async (manager) => {
      Object.assign(member, dto);
      const saved = await manager.save(member);
      if (deactivates) await this.endAccess(id, manager);
      return saved;
    });
  }

  /** Deactivates: the member's sessions end and keys are revoked, at once. */
  async deactivate(id: string): Promise<StaffMember> {
    const member = await this.get(id);
    if (member.role === StaffRole.Admin && member.active) await this.assertNotLastAdmin(id);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(StaffMember, { id }, { active: false });
      await this.endAccess(id, manager);
    });
    return this.get(id);
  }

  /** Activates again (the revoked keys stay revoked; the member signs in anew). */
  async activate(id: string): Promise<StaffMember> {
    await this.get(id);
    await this.staff.update({ id }, { active: true });
    return this.get(id);
  }

  async setLocale(id: string, locale: Locale): Promise<Locale> {
    await this.staff.update({ id }, { locale });
    return locale;
  }

  private async endAccess(id: string, manager: EntityManager): Promise<void> {
    await this.sessions.endAll(id, undefined, manager);
    await this.keys.revokeAll(id, manager);
  }

  private async assertNotLastAdmin(id: string): Promise<void> {
    if ((await this.staff.countBy({ role: StaffRole.Admin, active: true })) <= 1) {
      throw new ConflictException('This is the last active admin; make another admin first', { id });
    }
  }

  private async assertEmailFree(email: string): Promise<void> {
    if (await this.staff.existsBy({ email: email.toLowerCase() })) {
      throw new ConflictException(`A staff member with email ${email} already exists`, { field: 'email' });
    }
  }
}
