import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JOB_HANDLER } from './job-handler.decorator';
import { JobName } from './jobs';
import { QueueService } from './queue.service';

type Handler = (payload: unknown, job: { id: string; retryCount: number }) => Promise<void>;

/** Finds every @JobHandler and subscribes it; refuses to boot on a missing or duplicate handler. */
@Injectable()
export class JobRunnerService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly queue: QueueService,
  ) {}

  findHandlers(): Map<JobName, Handler> {
    const handlers = new Map<JobName, Handler>();
    const seen = new Set<object>(); // an alias provider (useExisting) exposes the same instance again
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const proto = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, proto[method]);
        if (!name) continue;
        if (handlers.has(name)) throw new Error(`Two handlers for job "${name}"`);
        handlers.set(name, (proto[method] as Handler).bind(instance));
      }
    }
    const missing = Object.values(JobName).filter((n) => !handlers.has(n));
    if (missing.length) throw new Error(`No handler for job(s): ${missing.join(', ')}`);
    return handlers;
  }

  // Every onModuleInit finishes before any onApplicationBootstrap, so handlers can ask
  // QueueService.isConsumer in their own bootstrap hook.
  onModuleInit(): void {
    this.queue.markConsumer();
  }

  async onApplicationBootstrap(): Promise<void> {
    const handlers = this.findHandlers();
    for (const [name, handler] of handlers) await this.queue.work(name, handler);
    this.logger.log(`Consuming ${handlers.size} queue(s): ${[...handlers.keys()].join(', ')}`);
  }
}
