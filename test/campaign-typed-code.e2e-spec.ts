// Issue 22, attribution for operations: a resident who was door-knocked and signs up later on the
// plain page keeps the door-knock attribution when they type the campaign's code from the card or
// leaflet (spaces and case as typed); a code that names no campaign is a field error that
// creates nobody.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { WHOLESTONE } from './utils/factories';
import { useSuite } from './utils/suite';
import { loginAs } from './utils/test-app';

describe('a campaign code typed on the plain sign-up page', () => {
  const { t } = useSuite({ geography: true });
  let n = 0;

  const submit = (fields: Record<string, string>) =>
    t.http().post('/signup').type('form').send(new URLSearchParams({ firstName: 'Typed', wardCode: 'BE01', channels: 'email', consent: 'yes', source: 'online', ...fields }).toString());
  const resident = async (email: string) => (await t.sql<{ campaign_code: string | null; source: string | null }>(`SELECT campaign_code, source FROM resident WHERE email = $1`, [email]))[0];

  beforeAll(async () => {
    const eco = await loginAs(t, 'eco', 'BE');
    await t.http().post('/api/v1/campaigns').set(...eco.auth).send(WHOLESTONE).expect(201);
  });

  it('shows the code field on the plain page only; the campaign link keeps its code hidden', async () => {
    const plain = await t.http().get('/signup').expect(200);
    expect(plain.text).toContain('<input class="govuk-input govuk-input--width-20" id="code" name="code" type="text" aria-describedby="code-hint" autocomplete="off" maxlength="40">');
    expect(plain.text).toContain('Code from a police officer or leaflet (optional)');
    const linked = await t.http().get('/signup?campaign=OP-WHOLESTONE').expect(200);
    expect(linked.text).toContain('<input type="hidden" name="campaignCode" value="OP-WHOLESTONE">');
    expect(linked.text).not.toContain('name="code"');
  });

  it('records the campaign as it is spelt, whatever the case and spaces typed, and the report counts it under the campaign’s tactic', async () => {
    const email = `typed${n++}@example.org`;
    await submit({ email, code: ' op-whole stone ' }).expect(303);
    expect(await resident(email)).toEqual({ campaign_code: 'OP-WHOLESTONE', source: 'online' });
    // Verified during the campaign in its target ward: a door knock (the campaign's tactic), not "online".
    await t.sql(`UPDATE resident SET status = 'active', email_verified_at = '2019-10-15T10:00:00Z', activated_at = '2019-10-15T10:00:00Z' WHERE email = $1`, [email]);
    const admin = await loginAs(t, 'admin');
    const report = (await t.http().get('/api/v1/reports/campaigns/OP-WHOLESTONE').set(...admin.auth).expect(200)).body as { byTactic: unknown[] };
    expect(report.byTactic).toEqual([{ tactic: 'door_knock', target: 1, control: 0 }]);
  });

  it('refuses a code that names no campaign with an error on the field, keeps what was typed, and creates nobody', async () => {
    for (const code of ['OP-NOPE', '<b>x</b>', 'x'.repeat(41)]) {
      const email = `nope${n++}@example.org`;
      const res = await submit({ email, code }).expect(400);
      expect(res.text).toContain('<a href="#code">Enter the code as it is on the card or leaflet, or leave it empty</a>');
      expect(res.text).toContain('aria-invalid="true"');
      expect(res.text).not.toContain('<b>x</b>');
      expect(await resident(email)).toBeUndefined();
    }
  });

  it('leaves an empty code field out of the sign-up', async () => {
    const email = `empty${n++}@example.org`;
    await submit({ email, code: '   ' }).expect(303);
    expect(await resident(email)).toEqual({ campaign_code: null, source: 'online' });
  });
});
