import { Injectable } from '@nestjs/common';
import { assertNpuAccess, scopedNpu } from '@beacon/auth';
import { AuditService, badRequest, decodeCursor, forbidden, toPage, type Page, type StaffPrincipal, type StaffRole } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { maskEmail, maskPhone, normalisePhone } from './contact';
import { ResidentDirectoryRepository } from './resident-directory.repository';
import type { ResidentListItem, ResidentListQueryDto } from './residents.dto';

/** Roles that work with residents in aggregate, not by contacting them. */
export const CONTACT_MASKED_ROLES: StaffRole[] = ['analyst', 'cadet_leader'];
/** The one masking rule for staff: what `staff` sees of a resident's e-mail and phone. */
export function contactSeenBy(staff: StaffPrincipal, contact: { email: string | null; phone: string | null }): { email: string | null; phone: string | null; masked: boolean } {
  const masked = CONTACT_MASKED_ROLES.includes(staff.role);
  return masked ? { email: maskEmail(contact.email), phone: maskPhone(contact.phone), masked } : { ...contact, masked };
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Staff view of residents, scoped to the caller's NPU; every look is audited. */
@Injectable()
export class ResidentDirectoryService {
  constructor(
    private readonly directory: ResidentDirectoryRepository,
    private readonly geography: GeographyService,
    private readonly audit: AuditService,
  ) {}

  async list(staff: StaffPrincipal, q: ResidentListQueryDto): Promise<Page<ResidentListItem>> {
    const npuCode = scopedNpu(staff, q.npu);
    if (q.ward) {
      const ward = await this.geography.findWard(q.ward);
      if (!ward) throw badRequest(`ward ${q.ward} is not a known ward`);
      assertNpuAccess(staff, ward.npuCode);
    }
    const after = decodeCursor(q.cursor);
    if (after && (!UUID.test(after.id) || Number.isNaN(Date.parse(after.key)))) throw badRequest('cursor is not valid');
    const masked = CONTACT_MASKED_ROLES.includes(staff.role);
    const search = q.q?.trim();
    const phone = search ? normalisePhone(search) : null;
    // A search on a value the caller sees masked would reveal it one probe at a time: those
    // roles search by name only, and a query shaped like a contact is refused.
    if (masked && search && (phone || search.includes('@'))) {
      throw forbidden('Your role sees contact details masked, so it searches residents by name only');
    }
    const limit = q.limit ?? 50;
    const rows = await this.directory.list(
      { npuCode, wardCode: q.ward, status: q.status, prefix: phone ? undefined : search || undefined, phoneE164: phone ?? undefined, namesOnly: masked },
      limit,
      after,
    );
    const page = toPage(rows, limit, (r) => ({ key: r.cursorKey, id: r.id }));
    const query = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
    await this.audit.recordStaff(staff, 'residents.list', 'resident', { query, npu: npuCode ?? null, count: page.items.length });
    return {
      items: page.items.map((r) => ({
        id: r.id,
        firstName: r.firstName,
        lastName: r.lastName,
        ...(({ email, phone }) => ({ email, phone }))(contactSeenBy(staff, r)),
        wardCode: r.wardCode,
        npuCode: r.npuCode,
        status: r.status,
        channels: r.channels,
        source: r.source,
        createdAt: r.createdAt.toISOString(),
        activatedAt: r.activatedAt ? r.activatedAt.toISOString() : null,
      })),
      nextCursor: page.nextCursor,
    };
  }
}
