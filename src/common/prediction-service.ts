// TF Serving's PredictionService: its gRPC service name, and each method's response message
// (tensorflow_serving/apis/prediction_service.proto). Shared by the stub's service and the raw client.
export const SERVICE_NAME = 'tensorflow.serving.PredictionService';

export const RESPONSE_TYPES = {
  Classify: 'tensorflow.serving.ClassificationResponse',
  Regress: 'tensorflow.serving.RegressionResponse',
  Predict: 'tensorflow.serving.PredictResponse',
  MultiInference: 'tensorflow.serving.MultiInferenceResponse',
  GetModelMetadata: 'tensorflow.serving.GetModelMetadataResponse',
} as const;

export type MethodName = keyof typeof RESPONSE_TYPES;
export const METHOD_NAMES = Object.keys(RESPONSE_TYPES) as MethodName[];
