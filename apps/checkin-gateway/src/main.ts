import 'reflect-metadata';
import { runService } from '@ct/runtime';
import { CheckinGatewayService } from './service';

void runService(CheckinGatewayService);
