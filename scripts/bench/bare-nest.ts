// The HTTP stack's own limit for `npm run bench`: a bare Nest app on the same adapter as the API
// (@nestjs/platform-express, one process) with one route of the rating link's shape, or
// (`--node-http`) a bare node:http server. Usage: PORT=… node dist/scripts/bench/bare-nest.js [--node-http]
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer } from 'node:http';

@Controller()
class BareController {
  @Post('r/:token')
  @HttpCode(200)
  rate(@Param('token') token: string, @Body() body: { score?: number }): { token: number; score: number | null } {
    return { token: token.length, score: body?.score ?? null };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

const port = Number(process.env.PORT);
if (process.argv.includes('--node-http')) {
  createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const { score } = JSON.parse(body || '{}') as { score?: number };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: (req.url ?? '').length, score: score ?? null }));
    });
  }).listen(port, '127.0.0.1', () => console.log('Beacon is running (bare node:http)'));
} else {
  const app = await NestFactory.create(BareModule, { logger: ['error', 'warn'] });
  await app.listen(port, '127.0.0.1');
  console.log('Beacon is running (bare Nest)');
}
