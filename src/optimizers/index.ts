/** Every optimizer of the family, by its PuzzleLib name. */
import { AdaDelta } from "./AdaDelta.js";
import { AdaGrad } from "./AdaGrad.js";
import { Adam } from "./Adam.js";
import { MomentumSGD } from "./MomentumSGD.js";
import { NesterovSGD } from "./NesterovSGD.js";
import { RMSProp } from "./RMSProp.js";
import { RMSPropGraves } from "./RMSPropGraves.js";
import { SGD } from "./SGD.js";
import { SMORMS3 } from "./SMORMS3.js";

export const OPTIMIZERS = { SGD, MomentumSGD, NesterovSGD, RMSProp, Adam, AdaGrad, AdaDelta, SMORMS3, RMSPropGraves } as const;

export type OptimizerName = keyof typeof OPTIMIZERS;
