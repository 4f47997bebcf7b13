import 'reflect-metadata';
import { runService } from '@ct/runtime';
import { QuarantineService } from './service';

void runService(QuarantineService);
