import { Catch, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { SessionPrincipal } from '@beacon/auth';
import { InjectConfig, STAFF_ROLES, type AppConfig, type BeaconRequest, type StaffRole } from '@beacon/core';
import { IMPORT_ROLES } from '@beacon/imports';
import { CsrfService, labelFor, type ErrorSummaryView, PageExceptionFilter, setPageHeaders, ViewRenderer } from '@beacon/web';

export const CONSOLE_VIEWS = new URL('./views/', import.meta.url);

const ALL: StaffRole[] = [...STAFF_ROLES];
/** The API's role groups (messages.controller, inbox.controller): the console shows what the API allows. */
export const MESSAGE_WRITERS: StaffRole[] = ['admin', 'eco', 'officer', 'npu_lead'];
export const APPROVERS: StaffRole[] = ['admin', 'npu_lead'];
export const RESUMERS: StaffRole[] = ['admin', 'eco', 'npu_lead'];
export const INBOX_ROLES: StaffRole[] = ['admin', 'eco', 'officer', 'npu_lead'];
/** libs/reports' READERS. */
export const REPORT_READERS: StaffRole[] = ['admin', 'analyst', 'npu_lead', 'eco', 'officer'];

/** libs/surveys: who reads a survey and its results (readers) and who creates, opens and closes one (writers). */
export const SURVEY_READERS: StaffRole[] = ['admin', 'analyst', 'npu_lead', 'eco', 'officer'];
export const SURVEY_WRITERS: StaffRole[] = MESSAGE_WRITERS;

/** Who manages staff accounts (NPU-scoped: an NPU's admin, that NPU's staff). */
export const STAFF_ADMINS: StaffRole[] = ['admin'];

export type SectionId = 'home' | 'messages' | 'inbox' | 'residents' | 'reports' | 'surveys' | 'schemes' | 'cadets' | 'acf' | 'staff' | 'geography' | 'imports' | 'outbox';

/** The dev outbox (what the outbox transports wrote): admins only, and only where it exists (not production). */
export const OUTBOX_ROLES: StaffRole[] = ['admin'];

const SECTIONS: { id: SectionId; text: string; href: string; roles: StaffRole[]; devOnly?: boolean; forceWide?: true }[] = [
  { id: 'home', text: 'Home', href: '/console', roles: ALL },
  { id: 'messages', text: 'Messages', href: '/console/messages', roles: ALL },
  { id: 'inbox', text: 'Inbox', href: '/console/inbox', roles: INBOX_ROLES },
  { id: 'residents', text: 'Residents', href: '/console/residents', roles: ALL },
  { id: 'surveys', text: 'Surveys', href: '/console/surveys', roles: SURVEY_READERS },
  { id: 'schemes', text: 'Schemes', href: '/console/schemes', roles: ALL },
  { id: 'reports', text: 'Reports', href: '/console/reports', roles: REPORT_READERS },
  { id: 'cadets', text: 'Cadets', href: '/console/cadets', roles: ALL },
  { id: 'acf', text: 'Active Citizens Fund', href: '/console/acf', roles: ALL },
  { id: 'outbox', text: 'Outbox', href: '/console/outbox', roles: OUTBOX_ROLES, devOnly: true },
  { id: 'staff', text: 'Staff accounts', href: '/console/staff', roles: STAFF_ADMINS },
  { id: 'geography', text: 'Geography', href: '/console/geography', roles: ['admin'], forceWide: true },
  { id: 'imports', text: 'Import', href: '/console/imports', roles: IMPORT_ROLES },
];

export const me = (req: Request): SessionPrincipal => (req as BeaconRequest).principal as SessionPrincipal;

/** Renders a console page inside the layout: navigation for the signed-in role, account, CSRF token. */
@Injectable()
export class ConsolePages {
  constructor(
    private readonly views: ViewRenderer,
    private readonly csrf: CsrfService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  render(req: Request, res: Response, view: string, section: SectionId | null, context: Record<string, unknown> = {}): string {
    setPageHeaders(res);
    const staff = (req as BeaconRequest).principal as SessionPrincipal | undefined;
    const csrfToken = this.csrf.token(req, res);
    return this.views.render(CONSOLE_VIEWS, view, {
      csrfToken,
      homeHref: '/console',
      sectionName: 'Staff console',
      sectionHref: '/console',
      navigation: staff
        ? SECTIONS.filter((s) => s.roles.includes(staff.role) && !(s.devOnly && this.config.env === 'production') && (!s.forceWide || !staff.npuCode)).map((s) => ({ text: s.text, href: s.href, active: s.id === section }))
        : [],
      account: staff ? { name: staff.name, roleText: `${labelFor('role', staff.role)}, ${staff.npuCode ? `NPU ${staff.npuCode}` : 'force-wide'}` } : null,
      signOut: staff ? { action: '/console/sign-out', csrfToken } : null,
      staff: staff ?? null,
      backLink: null,
      errors: null,
      notice: null,
      ...context,
      fieldErrors: (context.errors as ErrorSummaryView | null | undefined)?.fields ?? {},
    });
  }
}

/** Console errors as pages; a missing or ended session goes to the sign-in page instead of a 401. */
@Injectable()
@Catch()
export class ConsoleExceptionFilter extends PageExceptionFilter {
  protected override readonly residentFacing = false;
  protected override redirect(status: number, req: Request, res: Response): boolean {
    if (status !== 401) return false;
    const next = req.method === 'GET' && req.originalUrl.startsWith('/console') ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
    res.redirect(303, `/console/sign-in${next}`);
    return true;
  }
}

/** A form body value as one trimmed string ('' when absent or repeated). */
export function field(body: unknown, key: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v.trim() : '';
}

/** A form body value as a list (checkboxes: absent, one value or several). */
export function fields(body: unknown, key: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[key];
  if (typeof v === 'string') return v ? [v] : [];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

/** Only a path of this console may follow sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/[A-Za-z0-9/_?=&.%-]*)?$/.test(next) && !next.startsWith('/console//') ? next : '/console';
}
