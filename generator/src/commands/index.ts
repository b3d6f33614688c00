import type { CommandModule } from "yargs";
import { compatModule } from "./compat-module.js";
import { devModule } from "./dev-module.js";
import { generateModule } from "./generate-module.js";
import { initModule } from "./init-module.js";
import { verifyModule } from "./verify-module.js";

/** Every `skai-gen` command; adding one means adding its module here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [generateModule, verifyModule, compatModule, initModule, devModule];
