import type { RateLimitRule } from '@beacon/core';

// Shared by the API routes and the pages that do the same thing, so both count in one bucket.
// core's RateLimit has one window per rule: both limits count per hour (60 per IP is ~the
// suggested 30 per 10 minutes on average, while keeping the 5-per-hour limit per address).
export const SIGNUP_LIMIT: RateLimitRule = { name: 'resident-signup', windowSeconds: 3600, perIp: 60, perValue: { fields: { email: 'email', phone: 'phone' }, limit: 5 } };
export const VERIFY_LIMIT: RateLimitRule = { name: 'resident-verify', windowSeconds: 3600, perIp: 60, perValue: { fields: { phone: 'phone' }, limit: 20 } };
export const RESEND_LIMIT: RateLimitRule = { name: 'resident-resend', windowSeconds: 3600, perIp: 30, perValue: { fields: { email: 'email', phone: 'phone' }, limit: 5 } };
export const MAGIC_LINK_LIMIT: RateLimitRule = { name: 'resident-magic-link', windowSeconds: 3600, perIp: 60, perValue: { fields: { email: 'email' }, limit: 5 } };
export const EXCHANGE_LIMIT: RateLimitRule = { name: 'resident-exchange', windowSeconds: 3600, perIp: 120 };
// Limits probing whether an address is registered through 409s on PATCH /me.
export const UPDATE_LIMIT: RateLimitRule = { name: 'resident-update', windowSeconds: 3600, perIp: 120, perValue: { fields: { email: 'email', phone: 'phone' }, limit: 10 } };
