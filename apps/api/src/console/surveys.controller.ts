import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainException, StaffPage, UuidParam } from '@beacon/core';
import { GeographyService } from '@beacon/geography';
import { QUESTION_KINDS, resultsCsv, SurveyResultsService, SurveyService, type CreateSurveyDto, type GroupResult, type QuestionKind, type QuestionResult } from '@beacon/surveys';
import { CsrfGuard, errorSummary, labelFor, optionsOf, type FormError } from '@beacon/web';
import { ConsoleExceptionFilter, ConsolePages, field, fields, me, STAFF_ADMINS, SURVEY_READERS, SURVEY_WRITERS } from './console-pages';
import { dateInputItems, londonToday, readDateInput } from './date-input';

const NOTICES: Record<string, string> = {
  created: 'The survey is saved as a draft. Check the questions, then open it to take answers.',
  opened: 'The survey is open: residents with its link can answer it.',
  pending: 'The survey is waiting for an admin (not you) to approve it: a force-wide survey needs a second person.',
  closed: 'The survey is closed: it takes no more answers. Its results stay here.',
};

/** Custom question boxes on the create form (the API takes up to 40). */
const SLOTS = [1, 2, 3] as const;
const CHOICE_KINDS: readonly string[] = ['single_choice', 'multiple_choice'];
const BREAKDOWNS = [
  ['npu', 'By NPU'],
  ['ward', 'By ward'],
  ['ageBand', 'By age band'],
  ['ethnicity', 'By ethnic group'],
] as const;

type CreateForm = Record<string, string>;

/** The end of a day in England (23:59 London time) as an instant. */
function londonEndOfDay(date: string): Date {
  const utc = Date.parse(`${date}T23:59:00Z`);
  const londonHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' }).format(utc));
  return new Date(utc - ((londonHour - 23 + 24) % 24) * 3_600_000);
}

/**
 * Surveys (libs/surveys) for staff: the list, a create form (the confidence template and up to
 * three questions of their own), open and close, and the results with small groups suppressed
 * and a CSV. SurveyService and SurveyResultsService decide who may see and do what, as on the API.
 */
@ApiExcludeController()
@StaffPage({ roles: SURVEY_READERS })
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
@Controller('console/surveys')
export class ConsoleSurveysController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly surveys: SurveyService,
    private readonly results: SurveyResultsService,
    private readonly geography: GeographyService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const staff = me(req);
    const [surveys, npus] = await Promise.all([this.surveys.list(staff), this.geography.listNpus()]);
    const npuName = new Map(npus.map((n) => [n.code, n.name]));
    return this.pages.render(req, res, 'surveys.njk', 'surveys', {
      surveys: surveys.map((s) => ({ ...s, reach: s.npuCode ? (npuName.get(s.npuCode) ?? 'Another NPU') : 'Force-wide' })),
      canCreate: SURVEY_WRITERS.includes(staff.role),
      canLoadShares: STAFF_ADMINS.includes(staff.role),
    });
  }

  @StaffPage({ roles: SURVEY_WRITERS })
  @Get('new')
  async newForm(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const blank: CreateForm = { title: '', intro: '', npuCode: '', templates: 'confidence', publicLink: '', 'closesAt-day': '', 'closesAt-month': '', 'closesAt-year': '' };
    for (const i of SLOTS) for (const k of ['text', 'kind', 'options']) blank[`q${i}-${k}`] = '';
    return this.formPage(req, res, blank, []);
  }

  @StaffPage({ roles: SURVEY_WRITERS })
  @Post()
  async create(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const staff = me(req);
    const closes = readDateInput(body, 'closesAt');
    const values: CreateForm = {
      title: field(body, 'title'),
      intro: field(body, 'intro'),
      npuCode: staff.npuCode ?? field(body, 'npuCode'),
      templates: fields(body, 'templates').includes('confidence') ? 'confidence' : '',
      publicLink: field(body, 'publicLink') === 'true' ? 'true' : '',
      'closesAt-day': closes.day,
      'closesAt-month': closes.month,
      'closesAt-year': closes.year,
    };
    for (const i of SLOTS) for (const k of ['text', 'kind', 'options']) values[`q${i}-${k}`] = field(body, `q${i}-${k}`);
    const errors: FormError[] = [];
    if (!values.title) errors.push({ field: 'title', message: 'Enter a title' });
    else if (values.title.length > 200) errors.push({ field: 'title', message: 'The title must be 200 characters or fewer' });
    if (values.intro.length > 2000) errors.push({ field: 'intro', message: 'The introduction must be 2,000 characters or fewer' });
    if (!staff.npuCode && values.npuCode && !(await this.geography.npuExists(values.npuCode))) errors.push({ field: 'npuCode', message: 'Choose the NPU, or force-wide' });
    let closesAt: Date | undefined;
    if (closes.day || closes.month || closes.year) {
      if (!closes.date) errors.push({ field: 'closesAt-day', message: 'Enter the closing date, like 31 12 2026' });
      else if (closes.date < londonToday()) errors.push({ field: 'closesAt-day', message: 'The closing date must be today or later' });
      else closesAt = londonEndOfDay(closes.date);
    }
    const questions: NonNullable<CreateSurveyDto['questions']> = [];
    for (const i of SLOTS) {
      const text = values[`q${i}-text`];
      const kind = values[`q${i}-kind`];
      const lines = values[`q${i}-options`].split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
      if (!text) {
        if (lines.length) errors.push({ field: `q${i}-text`, message: `Enter the wording of question ${i}` });
        continue;
      }
      if (text.length > 500) errors.push({ field: `q${i}-text`, message: `Question ${i} must be 500 characters or fewer` });
      if (!(QUESTION_KINDS as readonly string[]).includes(kind)) {
        errors.push({ field: `q${i}-kind`, message: `Choose how question ${i} is answered` });
        continue;
      }
      if (CHOICE_KINDS.includes(kind)) {
        if (lines.length < 2) errors.push({ field: `q${i}-options`, message: `Give question ${i} at least 2 answers to choose from, one a line` });
        else if (lines.length > 20) errors.push({ field: `q${i}-options`, message: `Question ${i} can have at most 20 answers to choose from` });
        else if (lines.some((l) => l.length > 200)) errors.push({ field: `q${i}-options`, message: `Each answer of question ${i} must be 200 characters or fewer` });
        else if (new Set(lines.map((l) => l.toLowerCase())).size !== lines.length) errors.push({ field: `q${i}-options`, message: `The answers of question ${i} must all be different` });
      }
      questions.push({ kind: kind as QuestionKind, text, ...(CHOICE_KINDS.includes(kind) ? { options: lines.map((label, n) => ({ value: `o${n + 1}`, label })) } : {}) });
    }
    if (!values.templates && !questions.length && !errors.some((e) => e.field?.startsWith('q'))) errors.push({ field: 'templates', message: 'Add the confidence questions or a question of your own' });
    if (errors.length) return this.formPage(req, res, values, errors);
    try {
      const survey = await this.surveys.create(staff, {
        title: values.title,
        intro: values.intro,
        ...(values.npuCode ? { npuCode: values.npuCode } : {}),
        templates: values.templates ? ['confidence'] : [],
        questions,
        ...(closesAt ? { closesAt: closesAt.toISOString() } : {}),
        publicLink: values.publicLink === 'true',
      });
      return res.redirect(303, `/console/surveys/${survey.id}?done=created`);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'VALIDATION') throw e;
      return this.formPage(req, res, values, [{ field: 'title', message: 'Check the survey: Beacon could not save it as it is' }]);
    }
  }

  @Get(':id')
  async detail(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Query('done') done?: string) {
    return this.detailPage(req, res, id, { notice: NOTICES[done ?? ''] ?? null, errors: [] });
  }

  @StaffPage({ roles: SURVEY_WRITERS })
  @Post(':id/open')
  async open(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    try {
      const { status } = await this.surveys.open(me(req), id);
      return res.redirect(303, `/console/surveys/${id}?done=${status === 'open' ? 'opened' : 'pending'}`);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'INVALID_TRANSITION') throw e;
      return this.detailPage(req, res, id, { errors: [{ field: 'actions', message: 'The survey cannot be opened: it is already open or closed, or its closing date has passed' }], status: 409 });
    }
  }

  @StaffPage({ roles: SURVEY_WRITERS })
  @Post(':id/close')
  async close(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string) {
    try {
      await this.surveys.close(me(req), id);
      return res.redirect(303, `/console/surveys/${id}?done=closed`);
    } catch (e) {
      if (!(e instanceof DomainException) || e.code !== 'INVALID_TRANSITION') throw e;
      return this.detailPage(req, res, id, { errors: [{ field: 'actions', message: 'Only an open survey can be closed' }], status: 409 });
    }
  }

  @Get(':id/results')
  async resultsPage(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Query('ward') ward?: string) {
    const staff = me(req);
    const survey = await this.surveys.detail(staff, id);
    const wardCode = typeof ward === 'string' && /^[A-Z0-9]{1,12}$/.test(ward) ? ward : undefined;
    const [r, npus, wards] = await Promise.all([
      this.results.results(staff, id, { ...(wardCode ? { ward: wardCode } : {}), weighted: 'true' }),
      this.geography.listNpus(),
      this.geography.listWards(survey.npuCode ?? staff.npuCode ?? undefined),
    ]);
    const names: Record<string, Map<string, string>> = { npu: new Map(npus.map((n) => [n.code, n.name])), ward: new Map(wards.map((w) => [w.code, w.name])) };
    const groupName = (dim: string, g: string) => {
      if (g === 'not_stated') return 'Not stated';
      if (g === 'unknown') return 'Not known (erased)';
      if (dim === 'ageBand') return labelFor('ageBand', g);
      if (dim === 'ethnicity') return labelFor('ethnicity', g);
      return names[dim]?.get(g) ?? (dim === 'npu' ? 'Another NPU' : 'Another ward');
    };
    const csvHref = `/console/surveys/${id}/results.csv${wardCode ? `?ward=${wardCode}` : ''}`;
    return this.pages.render(req, res, 'survey-results.njk', 'surveys', {
      survey,
      minCell: r.minCell,
      questions: r.questions.map((q) => this.questionView(q, groupName)),
      wardItems: [{ value: '', text: 'All wards' }, ...wards.map((w) => ({ value: w.code, text: w.name, selected: w.code === wardCode }))],
      wardName: wardCode ? (names.ward.get(wardCode) ?? 'the ward') : null,
      csvHref,
      backLink: { href: `/console/surveys/${id}`, text: 'The survey' },
    });
  }

  /** The same rows as the API's `?format=csv`, for the signed-in session. */
  @Get(':id/results.csv')
  async resultsFile(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id', UuidParam) id: string, @Query('ward') ward?: string) {
    const wardCode = typeof ward === 'string' && /^[A-Z0-9]{1,12}$/.test(ward) ? ward : undefined;
    const r = await this.results.results(me(req), id, { ...(wardCode ? { ward: wardCode } : {}), weighted: 'true' });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="survey-results${wardCode ? `-${wardCode}` : ''}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    return resultsCsv(r);
  }

  private questionView(q: QuestionResult, groupName: (dim: string, g: string) => string) {
    const weighted = !!q.weighting && q.options.some((o) => o.weightedPercent !== null && o.weightedPercent !== undefined);
    const groupRow = (dim: string, g: GroupResult) => ({ name: groupName(dim, g.group), base: g.base, suppressed: g.suppressed, percents: g.options.map((o) => o.percent) });
    return {
      text: q.text,
      kindText: labelFor('questionKind', q.kind),
      base: q.base,
      suppressed: q.suppressed,
      mean: q.mean ?? null,
      options: q.options,
      weighted,
      weightedBase: q.weighting?.unweightedBase ?? null,
      breakdowns: q.kind === 'free_text' ? [] : BREAKDOWNS.map(([dim, title]) => ({ title, rows: q.breakdowns[dim].map((g) => groupRow(dim, g)) })).filter((b) => b.rows.length),
      public: q.public && q.public.base !== null ? q.public : q.public ? { suppressed: true } : null,
      freeText: q.freeText ?? null,
      optionLabels: q.options.map((o) => o.label),
    };
  }

  private async formPage(req: Request, res: Response, values: CreateForm, errors: FormError[]) {
    const staff = me(req);
    const npus = staff.npuCode ? [] : await this.geography.listNpus();
    if (errors.length) res.status(400);
    const has = (f: string) => errors.some((e) => e.field === f);
    return this.pages.render(req, res, 'survey-new.njk', 'surveys', {
      values,
      slots: SLOTS.map((i) => ({
        n: i,
        text: values[`q${i}-text`] ?? '',
        options: values[`q${i}-options`] ?? '',
        kindItems: [{ value: '', text: 'Choose how it is answered' }, ...optionsOf('questionKind', values[`q${i}-kind`])],
      })),
      npuItems: staff.npuCode ? null : [{ value: '', text: 'Force-wide (an admin other than you approves it)' }, ...npus.map((n) => ({ value: n.code, text: n.name, selected: n.code === values.npuCode }))],
      closesItems: dateInputItems({ day: values['closesAt-day'] ?? '', month: values['closesAt-month'] ?? '', year: values['closesAt-year'] ?? '' }, has('closesAt-day')),
      errors: errorSummary(errors),
      backLink: { href: '/console/surveys', text: 'All surveys' },
    });
  }

  private async detailPage(req: Request, res: Response, id: string, o: { notice?: string | null; errors: FormError[]; status?: number }) {
    const staff = me(req);
    const survey = await this.surveys.detail(staff, id);
    const npus = await this.geography.listNpus();
    const writer = SURVEY_WRITERS.includes(staff.role) && (!staff.npuCode || survey.npuCode === staff.npuCode);
    if (o.errors.length) res.status(o.status ?? 400);
    return this.pages.render(req, res, 'survey.njk', 'surveys', {
      survey: {
        ...survey,
        reach: survey.npuCode ? (npus.find((n) => n.code === survey.npuCode)?.name ?? 'Another NPU') : 'Force-wide',
        questions: survey.questions.map((q) => ({ ...q, kindText: labelFor('questionKind', q.kind), choices: CHOICE_KINDS.includes(q.kind) || q.kind === 'likert' ? q.options.map((x) => x.label) : [] })),
      },
      canOpen: writer && (survey.status === 'draft' || survey.status === 'pending_approval'),
      canClose: writer && survey.status === 'open',
      notice: o.notice ?? null,
      errors: errorSummary(o.errors),
      backLink: { href: '/console/surveys', text: 'All surveys' },
    });
  }
}
