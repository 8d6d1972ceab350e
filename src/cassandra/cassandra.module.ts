import { Module } from '@nestjs/common';
import { CassandraService } from './cassandra.service';

/** Loaded only when CASSANDRA_CONTACT_POINTS is set; AppConfig and Readiness come from global modules. */
@Module({ providers: [CassandraService], exports: [CassandraService] })
export class CassandraModule {}
