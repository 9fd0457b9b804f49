/** Understanding people's own words: corpus schema, model building, understand(). */
export * from './corpus';
export { buildNlu, trainingItems, type Nlu } from './build';
export { dangerOf, understand, type Understanding } from './understand';
export { featuresOfWords, wordsOf } from './features';
export { trainIntentModel, type IntentModel, type SavedModel, type TrainingItem } from './model';
export { ageOf, mentionsChild, relationOf, type Relation } from './slots';
