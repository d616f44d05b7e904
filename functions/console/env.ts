import type { AppEnv } from '../app-env';
import type { Api } from './api';
import type { Who } from './layout';

/** The app's environment plus the signed-in client's API handle (set by the session middleware). */
export interface ConsoleEnv {
  Bindings: AppEnv['Bindings'];
  Variables: AppEnv['Variables'] & { api: Api; who: Who };
}
