import { Module } from '@nestjs/common';
import { ListAreasHttpController } from './list-areas/list-areas.http.controller';

/** The administrative areas (read from AREAS_FILE by ServiceCoreModule). */
@Module({ controllers: [ListAreasHttpController] })
export class AreasModule {}
