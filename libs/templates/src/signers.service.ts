import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ConflictException, NotFoundException, ValidationException } from '@touchbase/core';
import { CreateSignerDto, UpdateSignerDto } from './dto/signer.dto';
import { Signer } from './entities/signer.entity';
import { SignatureMime, sniffSignatureImage, UnsupportedSignatureImageException } from './signature-image';

@Injectable()
export class SignersService {
  constructor(
    @InjectRepository(Signer) private readonly signers: Repository<Signer>,
    private readonly dataSource: DataSource,
  ) {}

  list(): Promise<Signer[]> {
    return this.signers.find({ order: { name: 'ASC' } });
  }

  async get(id: string): Promise<Signer> {
    const signer = await this.signers.findOneBy({ id });
    if (!signer) throw new NotFoundException('Signer', id);
    return signer;
  }

  create(dto: CreateSignerDto): Promise<Signer> {
    return this.signers.save(
      this.signers.create({
        name: dto.name,
        nameEn: dto.nameEn ?? null,
        title: dto.title,
        titleEn: dto.titleEn ?? null,
        email: dto.email ?? null,
      }),
    );
  }

  async update(id: string, dto: UpdateSignerDto): Promise<Signer> {
    const signer = await this.get(id);
    if (dto.name !== undefined) signer.name = dto.name;
    if (dto.nameEn !== undefined) signer.nameEn = dto.nameEn;
    if (dto.title !== undefined) signer.title = dto.title;
    if (dto.titleEn !== undefined) signer.titleEn = dto.titleEn;
    if (dto.email !== undefined) signer.email = dto.email;
    return this.signers.save(signer);
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    const campaigns: { id: string; name: string }[] = await this.dataSource.query(
      `SELECT id, name FROM campaigns WHERE signer_id = $1 ORDER BY name`,
      [id],
    );
    if (campaigns.length > 0) {
      throw new ConflictException(
        `The signer signs ${campaigns.map((c) => `"${c.name}"`).join(', ')}; give those campaigns another signer first`,
        { id, campaigns },
      );
    }
    // The foreign key still guards a campaign created in between (a 409 too).
    await this.signers.delete({ id });
  }

  /** Stores a PNG or JPEG, recognised by its bytes; the type stored is the one found. */
  async setSignature(id: string, data: Buffer): Promise<Signer> {
    await this.get(id);
    if (data.length === 0) {
      throw new ValidationException('The file is empty', [{ field: 'file', messages: ['file is empty'] }]);
    }
    const mime = sniffSignatureImage(data);
    if (!mime) throw new UnsupportedSignatureImageException();
    // Image and type are written together: signature_mime set means there is an image.
    await this.signers.update({ id }, { signatureImage: data, signatureMime: mime });
    return this.get(id);
  }

  async removeSignature(id: string): Promise<Signer> {
    await this.get(id);
    await this.signers.update({ id }, { signatureImage: null, signatureMime: null });
    return this.get(id);
  }

  /** The image bytes: only here, never with the signer itself. */
  async signature(id: string): Promise<{ data: Buffer; mime: SignatureMime }> {
    const signer = await this.signers
      .createQueryBuilder('s')
      .addSelect('s.signatureImage')
      .where('s.id = :id', { id })
      .getOne();
    if (!signer) throw new NotFoundException('Signer', id);
    if (!signer.signatureImage || !signer.signatureMime)
      throw new NotFoundException('Signature of signer', id);
    return { data: signer.signatureImage, mime: signer.signatureMime };
  }
}
