import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictException, NotFoundException, StaffRole } from '@touchbase/core';
import { CreateStaffMemberDto, UpdateStaffMemberDto } from './dto/staff.dto';
import { StaffMember } from './entities/staff-member.entity';

@Injectable()
export class StaffService {
  constructor(@InjectRepository(StaffMember) private readonly staff: Repository<StaffMember>) {}

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

  async update(id: string, dto: UpdateStaffMemberDto): Promise<StaffMember> {
    const member = await this.get(id);
    if (dto.email && dto.email !== member.email) await this.assertEmailFree(dto.email);
    const losesAdmin =
      member.role === StaffRole.Admin &&
      member.active &&
      ((dto.role !== undefined && dto.role !== StaffRole.Admin) || dto.active === false);
    if (losesAdmin && (await this.staff.countBy({ role: StaffRole.Admin, active: true })) <= 1) {
      throw new ConflictException('This is the last active admin; make another admin first', { id });
    }
    Object.assign(member, dto);
    return this.staff.save(member);
  }

  private async assertEmailFree(email: string): Promise<void> {
    if (await this.staff.existsBy({ email: email.toLowerCase() })) {
      throw new ConflictException(`A staff member with email ${email} already exists`, { field: 'email' });
    }
  }
}
