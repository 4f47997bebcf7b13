import 'reflect-metadata';
import { runService } from '@ct/runtime';
import { CasesService } from './service';

void runService(CasesService);
