import { WebModule } from '@beacon/web';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@beacon/auth';
import { MessagingModule } from '@beacon/messaging';
import { ResidentsModule } from '@beacon/residents';
import { RespondentRepository, ResponseRepository } from './response.repository';
import { SurveyResponseService } from './response.service';
import { ResultsRepository } from './results.repository';
import { SurveyConfidenceService, SurveyResultsService } from './results.service';
import { SurveyPageController, SurveyPageExceptionFilter } from './survey-page.controller';
import { SurveyPages } from './survey-pages';
import { SurveyAutoCloseJob } from './survey-auto-close.job';
import { SurveyDemoSeedService } from './survey-demo-seed.service';
import { SurveyResidentData } from './survey-resident-data';
import { SURVEY_ENTITIES } from './survey.entity';
import { SurveyRepository } from './survey.repository';
import { SurveyService } from './survey.service';
import { SurveysController } from './surveys.controller';

@Module({
  imports: [WebModule, TypeOrmModule.forFeature(SURVEY_ENTITIES), AuthModule, ResidentsModule, MessagingModule],
  controllers: [SurveysController, SurveyPageController],
  providers: [SurveyPages, SurveyPageExceptionFilter, SurveyRepository, ResponseRepository, RespondentRepository, ResultsRepository, SurveyService, SurveyResponseService, SurveyResultsService, SurveyConfidenceService, SurveyResidentData, SurveyAutoCloseJob, SurveyDemoSeedService],
  exports: [SurveyConfidenceService, SurveyService, SurveyResultsService, SurveyDemoSeedService],
})
export class SurveysModule {}
