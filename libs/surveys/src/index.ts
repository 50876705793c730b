export * from './survey.entity';
export * from './surveys.module';
export { ConfidenceFigureDto, ConfidenceTrendDto } from './surveys-response.dto';
export { SurveyService } from './survey.service';
export { SurveyConfidenceService, SurveyResultsService, MIN_CELL, type ConfidenceFigure, type ConfidenceTrend, type SurveyResults, type QuestionResult, type GroupResult, type OptionCount } from './results.service';
export { resultsCsv } from './surveys.controller';
export type { CreateSurveyDto, SurveyView } from './survey.dto';
export { CONFIDENCE_TEMPLATE, FREE_TEXT_MAX } from './survey-questions';
export { SurveyDemoSeedService } from './survey-demo-seed.service';
