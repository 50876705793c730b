import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createSecretKey } from 'node:crypto';
import { ChannelsModule } from '@beacon/channels';
import { APP_CONFIG, type AppConfig } from '@beacon/core';
import { GeographyModule } from '@beacon/geography';
import { AuthGuard } from './guards/auth.guard';
import { StaffSignInThrottleEntity } from './lockout/sign-in-throttle.entity';
import { SignInThrottleRepository } from './lockout/sign-in-throttle.repository';
import { SignInThrottleRetention } from './lockout/sign-in-throttle-retention';
import { SignInThrottleService } from './lockout/sign-in-throttle.service';
import { MfaRepository } from './mfa/mfa.repository';
import { MfaService } from './mfa/mfa.service';
import { StaffRecoveryCodeEntity } from './mfa/recovery-code.entity';
import { OidcService } from './oidc/oidc.service';
import { StaffPasswordResetHandler } from './reset/password-reset.job';
import { PasswordResetService } from './reset/password-reset.service';
import { StaffNotifications } from './reset/staff-notifications';
import { StaffSessionEntity } from './sessions/staff-session.entity';
import { StaffSessionRepository } from './sessions/staff-session.repository';
import { StaffSessionService } from './sessions/staff-session.service';
import { StaffAuthController } from './staff/auth.controller';
import { StaffController } from './staff/staff.controller';
import { StaffEntity } from './staff/staff.entity';
import { StaffRepository } from './staff/staff.repository';
import { StaffAdminService } from './staff/staff-admin.service';
import { StaffService } from './staff/staff.service';
import { AccessTokenService } from './tokens/access-token.service';
import { LinkTokenService } from './tokens/link-token.service';

export const AUTH_ENTITIES = [StaffEntity, StaffSessionEntity, StaffRecoveryCodeEntity, StaffSignInThrottleEntity];

@Module({
  imports: [
    DiscoveryModule,
    TypeOrmModule.forFeature(AUTH_ENTITIES),
    GeographyModule,
    ChannelsModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      // A KeyObject rather than the string: given a string, jsonwebtoken first tries (and fails,
      // with a thrown error) to parse it as a PEM public key on every sign and verify.
      useFactory: (config: AppConfig) => ({ secret: createSecretKey(Buffer.from(config.auth.jwtSecret)), signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [StaffAuthController, StaffController],
  providers: [SignInThrottleRepository, SignInThrottleService, SignInThrottleRetention, PasswordResetService, StaffPasswordResetHandler, StaffNotifications, MfaRepository, MfaService, OidcService, StaffRepository, StaffService, StaffAdminService, StaffSessionRepository, StaffSessionService, AccessTokenService, LinkTokenService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [StaffAdminService, SignInThrottleService, PasswordResetService, MfaService, OidcService, StaffService, StaffSessionService, AccessTokenService, LinkTokenService],
})
export class AuthModule {}
