import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module';
import { ConvertPositiveResult } from './convert-positive-result/convert-positive-result';

/** A positive test result becomes a confirmed case (ConfirmCase on the command bus). */
@Module({
  imports: [PersonsModule],
  providers: [ConvertPositiveResult],
  exports: [ConvertPositiveResult],
})
export class ConversionsModule {}
