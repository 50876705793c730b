export * from './auth.module';
export * from './guards/current-principal.decorator';
export * from './guards/npu-scope';
export * from './staff/staff.entity';
export * from './staff/staff.service';
export * from './tokens/access-token.service';
export * from './tokens/link-token.service';
