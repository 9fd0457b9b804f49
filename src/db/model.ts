/** Helper to define a mongoose model once per process (jest may load a module twice). */
import mongoose, { Schema } from 'mongoose';

/** Define (or reuse) a model with a fixed collection name; no automatic timestamps or versionKey. */
export function defineModel<T>(name: string, collection: string, schema: Schema<T>): mongoose.Model<T> {
  return (mongoose.models[name] as mongoose.Model<T> | undefined) ?? mongoose.model<T>(name, schema, collection);
}
export { Schema };
