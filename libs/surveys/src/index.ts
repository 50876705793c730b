export * from './survey.entity';
export * from './surveys.module';
export { SurveyConfidenceService } from './results.service';
export { ConfidenceFigureDto } from './surveys-response.dto';
