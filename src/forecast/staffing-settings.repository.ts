import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { StaffingSettings } from './schemas/staffing-settings.schema';

export interface StaffingSettingsView {
  serviceLevelTarget: number | null;
  handleTimeSeconds: number | null;
  schedule: number[] | null;
}

/** The `staffing_settings` collection: the only holder of its model. */
@Injectable()
export class StaffingSettingsRepository {
  constructor(@InjectModel(StaffingSettings.name) private readonly settings: Model<StaffingSettings>) {}

  async get(workspaceId: string): Promise<StaffingSettingsView> {
    const doc = await this.settings.findOne({ workspaceId: new Types.ObjectId(workspaceId) }).lean();
    return {
      serviceLevelTarget: doc?.serviceLevelTarget ?? null,
      handleTimeSeconds: doc?.handleTimeSeconds ?? null,
      schedule: doc?.schedule?.length === 168 ? doc.schedule : null,
    };
  }

  /** Sets the given fields (null clears one); fields left out keep their value. */
  async set(workspaceId: string, patch: Partial<StaffingSettingsView>): Promise<StaffingSettingsView> {
    await this.settings.updateOne({ workspaceId: new Types.ObjectId(workspaceId) }, { $set: patch }, { upsert: true });
    return this.get(workspaceId);
  }
}
