import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { StaffRole } from '@beacon/core';
import { StaffEntity } from './staff.entity';

export interface NewStaff {
  email: string;
  passwordHash: string | null;
  oidcSubject?: string | null;
  name: string;
  role: StaffRole;
  npuCode: string | null;
}

@Injectable()
export class StaffRepository {
  constructor(@InjectRepository(StaffEntity) private readonly repo: Repository<StaffEntity>) {}

  findActiveById(id: string): Promise<StaffEntity | null> {
    return this.repo.findOne({ where: { id, active: true } });
  }

  /** The password hash is opt-in. */
  findByEmail(email: string, opts: { withPasswordHash?: boolean } = {}): Promise<StaffEntity | null> {
    const qb = this.repo.createQueryBuilder('s').where('s.email = :email', { email: email.toLowerCase() });
    if (opts.withPasswordHash) qb.addSelect('s.passwordHash');
    return qb.getOne();
  }

  /** The password hash is opt-in. */
  findById(id: string, opts: { withPasswordHash?: boolean } = {}): Promise<StaffEntity | null> {
    const qb = this.repo.createQueryBuilder('s').where('s.id = :id', { id });
    if (opts.withPasswordHash) qb.addSelect('s.passwordHash');
    return qb.getOne();
  }

  /**
   * Sets a new password hash only while the old one is still in place (one statement): of two
   * uses of the same reset link, one wins. Returns whether it did.
   */
  async replacePasswordHash(id: string, oldHash: string, newHash: string): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ passwordHash: newHash })
      .where('id = :id AND password_hash = :oldHash AND active', { id, oldHash })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  findByOidcSubject(subject: string): Promise<StaffEntity | null> {
    return this.repo.findOne({ where: { oidcSubject: subject } });
  }

  /** What the identity provider's claims say, applied at each sign-in. */
  async applyIdentity(id: string, values: { oidcSubject: string; role: StaffRole; npuCode: string | null; active: boolean }): Promise<void> {
    await this.repo.update({ id }, values);
  }

  async deactivate(id: string): Promise<void> {
    await this.repo.update({ id }, { active: false });
  }

  async setActive(id: string, active: boolean): Promise<void> {
    await this.repo.update({ id }, { active });
  }

  /** An admin's change of a local account's role and NPU. */
  async setRole(id: string, role: StaffRole, npuCode: string | null): Promise<void> {
    await this.repo.update({ id }, { role, npuCode });
  }

  /** Inserts unless the e-mail exists; returns null on a duplicate. */
  async insertIfAbsent(staff: NewStaff): Promise<StaffEntity | null> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values({ ...staff, email: staff.email.toLowerCase() })
      .orIgnore()
      .returning('*')
      .execute();
    const row = result.raw[0] as Record<string, unknown> | undefined;
    return row ? this.repo.findOneByOrFail({ id: row.id as string }) : null;
  }

  list(npuCode?: string | null): Promise<StaffEntity[]> {
    return this.repo.find({ where: npuCode ? { npuCode } : {}, order: { name: 'ASC' } });
  }

  count(): Promise<number> {
    return this.repo.count();
  }
}
