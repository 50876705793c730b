import type { Answers } from './response.repository';
import type { SurveyQuestion } from './survey-questions';
import type { SurveyRow } from './survey.repository';

/** What the survey page shows. */
export interface SurveyPageModel {
  token: string;
  survey: Pick<SurveyRow, 'id' | 'title' | 'intro'>;
  questions: SurveyQuestion[];
  /** The resident's answers so far (null: not answered yet, or the public link). */
  current: Answers | null;
  isPublic: boolean;
  /** The resident the link names (their pages are in their language); null on the public link. */
  residentId: string | null;
}
