/** "2030-05-01" + "19:30" (UK clock time) → the instant; null when either is not a real date or time. */
export function londonInstant(day: string, time: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!d || !t || +t[1] > 23 || +t[2] > 59) return null;
  const asUtc = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2]);
  const check = new Date(asUtc);
  if (check.getUTCFullYear() !== +d[1] || check.getUTCMonth() !== +d[2] - 1 || check.getUTCDate() !== +d[3]) return null;
  // London's offset at that wall-clock time (0 in winter, 1 hour in summer).
  const offset = (at: number) => {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(at));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - at;
  };
  return new Date(asUtc - offset(asUtc - offset(asUtc)));
}
