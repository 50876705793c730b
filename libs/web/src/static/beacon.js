// The one script of every page: GOV.UK Frontend's and MoJ Frontend's components, from the
// same versioned folder. Pages work without it; it only enhances (menus, character counts…).
import { initAll as initGovuk } from './govuk-frontend.min.js';
import { initAll as initMoj } from './moj-frontend.min.js';

initGovuk();
initMoj();
