export * from './survey.entities';
export * from './surveys.module';
export { SurveyConfidenceService } from './results.service';
export { ConfidenceFigureDto } from './surveys-response.dto';
