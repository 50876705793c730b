export * from './survey.entities';
export * from './surveys.module';
export { SurveyConfidenceService, type ConfidenceFigure } from './results.service';
