import { ServiceCoreModule } from '@ct/runtime';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfirmCaseHandler } from './cases/confirm-case/confirm-case.handler';
import { ConfirmCaseHttpController } from './cases/confirm-case/confirm-case.http.controller';
import { CaseEntity } from './cases/infrastructure/case.entity';
import { CasesEnv } from './config';
import { migrations } from './migrations';

@Module({})
export class CasesModule {
  static register(env: CasesEnv): DynamicModule {
    return {
      module: CasesModule,
      imports: [ServiceCoreModule.forRoot({ service: 'cases', schema: 'cases', env, entities: [CaseEntity], migrations })],
      controllers: [ConfirmCaseHttpController],
      providers: [ConfirmCaseHandler],
    };
  }
}
