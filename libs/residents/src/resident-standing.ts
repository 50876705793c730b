import { Injectable } from '@nestjs/common';
import { ResidentStandingProvider, type ResidentStanding } from '@beacon/core';
import { ResidentRepository } from './resident.repository';

/** An erased (or purged) resident's still-unexpired token acts nowhere: the auth guard asks here. */
@Injectable()
@ResidentStandingProvider()
export class ResidentStandingService implements ResidentStanding {
  constructor(private readonly residents: ResidentRepository) {}

  mayAct(residentId: string): Promise<boolean> {
    return this.residents.existsNotErased(residentId);
  }
}
