import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiNoContentResponse } from '@nestjs/swagger';
import { isValidTwilioSignature } from '@beacon/channels';
import { forbidden, InjectConfig, Public, type AppConfig } from '@beacon/core';
import { ResidentChannelsService } from '@beacon/residents';
import { OutcomeRepository } from './sending/outcome.repository';

const FAILED = new Set(['failed', 'undelivered']);
// Twilio delivery errors that mean the number will never work (landline, unreachable, blocked, STOP).
const DEAD_NUMBER_CODES = new Set(['21610', '30003', '30005', '30006', '30007']);

/** Twilio's StatusCallback: moves an SMS delivery to delivered or failed. Signature required. */
@Controller('webhooks/twilio')
export class TwilioStatusController {
  constructor(
    private readonly outcomes: OutcomeRepository,
    private readonly residentChannels: ResidentChannelsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('status')
  @HttpCode(204)
  @ApiExcludeEndpoint()
  @ApiNoContentResponse()
  async status(@Headers('x-twilio-signature') signature: string | undefined, @Body() body: Record<string, string>): Promise<void> {
    const token = this.config.sms.authToken;
    const url = `${this.config.http.publicUrl}/webhooks/twilio/status`;
    if (!token || !isValidTwilioSignature(token, signature, url, body ?? {})) throw forbidden('Invalid Twilio signature');
    const sid = typeof body.MessageSid === 'string' ? body.MessageSid : '';
    if (!/^(SM|MM)[0-9a-f]{32}$/.test(sid)) return;
    if (body.MessageStatus === 'delivered') {
      await this.outcomes.updateByProviderId(sid, 'delivered', null);
    } else if (FAILED.has(body.MessageStatus)) {
      const code = typeof body.ErrorCode === 'string' ? body.ErrorCode.slice(0, 10) : '';
      const row = await this.outcomes.updateByProviderId(sid, 'failed', `Twilio ${body.MessageStatus}${code ? ` ${code}` : ''}`);
      if (row && DEAD_NUMBER_CODES.has(code)) await this.residentChannels.suspend(row.residentId, 'sms', `Twilio error ${code}`);
    }
  }
}
