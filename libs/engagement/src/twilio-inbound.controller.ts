import { Body, Controller, Header, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { isValidTwilioSignature } from '@beacon/channels';
import { forbidden, InjectConfig, Public, type AppConfig } from '@beacon/core';
import { SmsInboundService } from './sms-inbound.service';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Twilio's incoming-message webhook: replies and STOP/START. Signature required. */
@Controller('webhooks/twilio')
export class TwilioInboundController {
  constructor(
    private readonly inbound: SmsInboundService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('inbound')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @ApiExcludeEndpoint()
  async receive(@Headers('x-twilio-signature') signature: string | undefined, @Body() body: Record<string, unknown>): Promise<string> {
    const token = this.config.sms.authToken;
    const url = `${this.config.http.publicUrl}/webhooks/twilio/inbound`;
    if (!token || !isValidTwilioSignature(token, signature, url, body ?? {})) throw forbidden('Invalid Twilio signature');
    const sid = str(body.MessageSid);
    // Same answer whoever sent it: the webhook never reveals which numbers are known.
    await this.inbound.receive({ from: str(body.From), body: str(body.Body), messageSid: /^(SM|MM)[0-9a-f]{32}$/.test(sid) ? sid : undefined });
    return EMPTY_TWIML;
  }
}
