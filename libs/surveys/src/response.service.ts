import { Injectable } from '@nestjs/common';
import { LinkTokenService } from '@beacon/auth';
import { badRequest, DomainException } from '@beacon/core';
import { readSurveyToken } from '@beacon/messaging';
import { ResponseRepository, RespondentRepository, type Answers, type Stratum, type TallyDelta } from './response.repository';
import { checkAnswers, tallyKeys, type RawAnswers, type SurveyQuestion } from './survey-questions';
import type { SurveyPageModel } from './survey-page.model';
import { SurveyRepository } from './survey.repository';


const gone = (message: string) => new DomainException('GONE', message);
const notOpen = () => new DomainException('CONFLICT', 'This survey is not open yet');
const STATED = (v: string | null) => (v && v !== 'prefer_not_to_say' ? v : 'not_stated');

/** Answering through `/s/<token>`: the token names the survey and the resident (or the public link). */
@Injectable()
export class SurveyResponseService {
  constructor(
    private readonly links: LinkTokenService,
    private readonly surveys: SurveyRepository,
    private readonly responses: ResponseRepository,
    private readonly respondents: RespondentRepository,
  ) {}

  /** 400 tampered, 410 expired / closed / resident erased; 409 not open yet. */
  private async resolve(token: string, expectPublic: boolean) {
    const { surveyId, residentId } = readSurveyToken(this.links, token);
    if ((residentId === null) !== expectPublic) throw badRequest('This link is not valid');
    const survey = await this.surveys.findById(surveyId);
    if (!survey) throw gone('This survey is no longer available');
    if (residentId === null && !survey.publicLink) throw gone('This survey no longer takes answers through this link');
    this.assertOpen(survey.status, survey.closesAt, survey.opensAt);
    return { survey, residentId };
  }

  private assertOpen(status: string, closesAt: Date | null, opensAt?: Date | null): void {
    if (status === 'closed' || (closesAt && closesAt.getTime() <= Date.now())) throw gone('This survey has closed');
    if (status !== 'open' || (opensAt && opensAt.getTime() > Date.now())) throw notOpen();
  }

  async page(token: string, expectPublic: boolean): Promise<SurveyPageModel> {
    const { survey, residentId } = await this.resolve(token, expectPublic);
    if (residentId) {
      const who = await this.respondents.find(residentId);
      if (!who || who.status === 'erased') throw gone('This link is no longer active');
    }
    const [questions, current] = await Promise.all([this.surveys.questions(survey.id), residentId ? this.responses.findForResident(survey.id, residentId) : null]);
    return { token, survey, questions, current: current?.answers ?? null, isPublic: residentId === null, residentId };
  }

  /**
   * Saves the answers, or throws: 400 naming each question whose answer does not fit (nothing
   * saved), 410 closed. The response row and every counter it moves commit together; a
   * changed answer takes one off the old options and adds one to the new.
   */
  async submit(token: string, raw: RawAnswers, expectPublic: boolean): Promise<{ changed: boolean; model: SurveyPageModel }> {
    const { survey, residentId } = await this.resolve(token, expectPublic);
    const questions = await this.surveys.questions(survey.id);
    const { answers, errors } = checkAnswers(questions, raw);
    if (!answers) {
      const details = Object.entries(errors).map(([q, m]) => `${q}: ${m}`);
      throw new DomainException('VALIDATION', 'Some answers do not fit their questions', details);
    }
    let stratum: Stratum;
    if (residentId) {
      const who = await this.respondents.find(residentId);
      if (!who || who.status === 'erased') throw gone('This link is no longer active');
      stratum = { source: 'resident', npuCode: who.npuCode, wardCode: who.wardCode, ageBand: STATED(who.ageBand), ethnicity: STATED(who.ethnicity) };
    } else {
      stratum = { source: 'public', npuCode: 'unknown', wardCode: 'unknown', ageBand: 'unknown', ethnicity: 'unknown' };
    }
    const changed = await this.responses.transaction(async (tx) => {
      const locked = await this.responses.lockSurvey(tx, survey.id);
      if (!locked) throw gone('This survey is no longer available');
      this.assertOpen(locked.status, locked.closesAt);
      if (!residentId) {
        await this.responses.insertPublic(tx, survey.id, stratum, answers);
        await this.responses.applyTally(tx, survey.id, stratum, deltas(questions, {}, answers));
        return false;
      }
      const { created, row } = await this.responses.insertOrLock(tx, survey.id, residentId, stratum, answers);
      // A changed answer moves the counters of the stratum the response was first counted in.
      const counted: Stratum = created ? stratum : { source: row.source, npuCode: row.npuCode, wardCode: row.wardCode, ageBand: row.ageBand, ethnicity: row.ethnicity };
      if (!created) await this.responses.updateAnswers(tx, row.id, answers);
      await this.responses.applyTally(tx, survey.id, counted, deltas(questions, created ? {} : row.answers, answers));
      return !created;
    });
    return { changed, model: { token, survey, questions, current: residentId ? answers : null, isPublic: !residentId, residentId } };
  }
}

/** −1 for each counter of the old answers, +1 for each of the new (unchanged ones cancel out). */
export function deltas(questions: SurveyQuestion[], before: Answers, after: Answers): TallyDelta[] {
  const m = new Map<string, TallyDelta>();
  const add = (questionId: string, option: string, d: number) => {
    const k = `${questionId}|${option}`;
    const cur = m.get(k) ?? m.set(k, { questionId, option, delta: 0 }).get(k)!;
    cur.delta += d;
  };
  for (const k of tallyKeys(questions, before)) add(k.questionId, k.option, -1);
  for (const k of tallyKeys(questions, after)) add(k.questionId, k.option, 1);
  return [...m.values()].filter((d) => d.delta !== 0);
}
