/**
 * npm start: until the local stack runs the Lambda handlers on DynamoDB Local and the SQS emulator,
 * the main job is the same replay through the decision core on the Jinan sample.
 */
import "./simulate";
