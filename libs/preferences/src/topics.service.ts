import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictException, NotFoundException } from '@touchbase/core';
import { CreateTopicDto, UpdateTopicDto } from './dto/topic.dto';
import { Topic } from './entities/topic.entity';

@Injectable()
export class TopicsService {
  constructor(@InjectRepository(Topic) private readonly topics: Repository<Topic>) {}

  list(): Promise<Topic[]> {
    return this.topics.find({ order: { system: 'DESC', key: 'ASC' } });
  }

  async get(key: string): Promise<Topic> {
    const topic = await this.topics.findOneBy({ key });
    if (!topic) throw new NotFoundException('Topic', key);
    return topic;
  }

  async create(dto: CreateTopicDto): Promise<Topic> {
    if (await this.topics.existsBy({ key: dto.key })) {
      throw new ConflictException(`Topic ${dto.key} already exists`, { field: 'key' });
    }
    return this.topics.save(
      this.topics.create({
        descriptionRu: '',
        descriptionEn: '',
        defaultSubscribed: true,
        requiresConsent: false,
        ...dto,
      }),
    );
  }

  async update(key: string, dto: UpdateTopicDto): Promise<Topic> {
    const topic = await this.get(key);
    Object.assign(topic, dto);
    return this.topics.save(topic);
  }

  async remove(key: string): Promise<void> {
    const topic = await this.get(key);
    if (topic.system)
      throw new ConflictException(`Topic ${key} is built in; it can be renamed, not deleted`, { key });
    // Campaigns reference topics with a foreign key: deleting a topic in use is a 409.
    await this.topics.delete({ key });
  }
}
