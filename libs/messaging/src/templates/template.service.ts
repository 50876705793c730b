import { Injectable } from '@nestjs/common';
import { assertNpuAccess, badRequest, decodeCursor, forbidden, notFound, scopedNpu, toPage, type Page, type StaffPrincipal } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import type { MessageTemplateEntity } from './message-template.entity';
import { checkFieldValues, fieldsOf, fieldsOfAll, renderFields } from './template-fields';
import type { CreateTemplateDto, TemplateListQueryDto, UpdateTemplateDto } from './template.dto';
import { TemplateRepository } from './template.repository';

/**
 * Message templates: force-wide ones (npu_code NULL) are made and changed by force-wide admins,
 * an NPU's by its staff; everyone reads force-wide templates and their own NPU's.
 */
@Injectable()
export class TemplateService {
  constructor(
    private readonly templates: TemplateRepository,
    private readonly geography: GeographyService,
  ) {}

  async create(staff: StaffPrincipal, dto: CreateTemplateDto): Promise<MessageTemplateEntity> {
    const npuCode = dto.npuCode ?? staff.npuCode;
    if (npuCode === null) this.assertForceWideAdmin(staff);
    else {
      assertNpuAccess(staff, npuCode);
      if (!(await this.geography.findNpus([npuCode])).length) throw badRequest(`npuCode: unknown NPU ${npuCode}`);
    }
    const content = { name: dto.name.trim(), category: dto.category, title: dto.title.trim(), body: dto.body.trim() };
    return this.templates.insert({ ...content, fields: fieldsOfAll({ title: content.title, body: content.body }), npuCode, createdBy: staff.id });
  }

  async list(staff: StaffPrincipal, q: TemplateListQueryDto): Promise<Page<MessageTemplateEntity>> {
    const limit = q.limit ?? 50;
    const rows = await this.templates.list({ npuCode: scopedNpu(staff, q.npu), category: q.category, after: decodeCursor(q.cursor), limit });
    return toPage(rows, limit, (t) => ({ key: t.name, id: t.id }));
  }

  /** A template the caller may compose from: force-wide, or of their NPU (403 another NPU's). */
  async usable(staff: StaffPrincipal, id: string): Promise<MessageTemplateEntity> {
    const t = await this.templates.findById(id);
    if (!t) throw notFound('Template');
    if (t.npuCode !== null) assertNpuAccess(staff, t.npuCode);
    return t;
  }

  /**
   * A composed message's text: from a template (`title`/`body` default to its text; every field
   * it uses filled from `fields`), or as typed (no fields, no template syntax). `render` applies
   * the same fields to further texts (translations). The result is plain text.
   */
  async composeText(
    staff: StaffPrincipal,
    dto: { templateId?: string; fields?: Record<string, unknown>; title?: string; body?: string },
  ): Promise<{ title: string; body: string; templateId: string | null; render: (text: string, what: string) => string }> {
    let allowed: string[] = [];
    let values: Record<string, string> = {};
    let template: MessageTemplateEntity | null = null;
    if (dto.templateId) {
      template = await this.usable(staff, dto.templateId);
      allowed = template.fields;
      values = checkFieldValues(dto.fields ?? {});
      const unknown = Object.keys(values).filter((f) => !allowed.includes(f));
      if (unknown.length) throw badRequest(`fields: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (the template has ${allowed.length ? allowed.join(', ') : 'no fields'})`);
    } else if (dto.fields !== undefined) {
      throw badRequest('fields: only with a templateId');
    }
    const render = (text: string, what: string) => {
      if (!template && fieldsOf(text, what).length) throw badRequest(`${what}: {{fields}} need a templateId`);
      return renderFields(text, values, allowed, what).trim();
    };
    const title = render(dto.title ?? template?.title ?? '', 'title');
    const body = render(dto.body ?? template?.body ?? '', 'body');
    if (!title || title.length > 200) throw badRequest('title: must be 1 to 200 characters once its fields are filled');
    if (!body || body.length > 5000) throw badRequest('body: must be 1 to 5000 characters once its fields are filled');
    return { title, body, templateId: template?.id ?? null, render };
  }

  async update(staff: StaffPrincipal, id: string, dto: UpdateTemplateDto): Promise<MessageTemplateEntity> {
    const t = await this.changeable(staff, id);
    const next = {
      name: dto.name?.trim() ?? t.name,
      category: dto.category ?? t.category,
      title: dto.title?.trim() ?? t.title,
      body: dto.body?.trim() ?? t.body,
    };
    const updated = await this.templates.update(id, { ...next, fields: fieldsOfAll({ title: next.title, body: next.body }) });
    if (!updated) throw notFound('Template');
    return updated;
  }

  async remove(staff: StaffPrincipal, id: string): Promise<void> {
    await this.changeable(staff, id);
    if (!(await this.templates.delete(id))) throw notFound('Template');
  }

  private async changeable(staff: StaffPrincipal, id: string): Promise<MessageTemplateEntity> {
    const t = await this.templates.findById(id);
    if (!t) throw notFound('Template');
    if (t.npuCode === null) this.assertForceWideAdmin(staff);
    else assertNpuAccess(staff, t.npuCode);
    return t;
  }

  private assertForceWideAdmin(staff: StaffPrincipal): void {
    if (staff.role !== 'admin' || staff.npuCode !== null) throw forbidden('Force-wide templates are made and changed by a force-wide admin');
  }
}
