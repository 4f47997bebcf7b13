import 'reflect-metadata';
import { runService } from '@ct/runtime';
import { TracingService } from './service';

void runService(TracingService);
