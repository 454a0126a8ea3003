import { multiInstanceSuite } from "../support/multi-instance-suite.ts";

multiInstanceSuite("dynamodb");
