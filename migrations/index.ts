import { Initial1795399254187 } from './1795399254187-Initial';
import { Residents1795399401568 } from './1795399401568-Residents';
import { Schemes1795399769475 } from './1795399769475-Schemes';
import { Cadets1795399795730 } from './1795399795730-Cadets';
import { Funding1795399947165 } from './1795399947165-Funding';
import { Messaging1795400139358 } from './1795400139358-Messaging';
import { ResidentSearch1795400272376 } from './1795400272376-ResidentSearch';
import { Engagement1795401025017 } from './1795401025017-Engagement';
import { Reports1795402117457 } from './1795402117457-Reports';
import { ReportStats1795406003289 } from './1795406003289-ReportStats';
import { DeliveryCursor1795410667256 } from './1795410667256-DeliveryCursor';
import { PatrolCancel1795412296755 } from './1795412296755-PatrolCancel';
import { Imports1796011180650 } from './1796011180650-Imports';
import { ResidentAddressClaims1796011406021 } from './1796011406021-ResidentAddressClaims';
import { StaffSession1796016100000 } from './1796016100000-StaffSession';
import { MoneyBigint1796022714001 } from './1796022714001-MoneyBigint';
import { SchemeConsent1796022714002 } from './1796022714002-SchemeConsent';
import { Surveys1796081420318 } from './1796081420318-Surveys';
import { ReportRefresh1796215150000 } from './1796215150000-ReportRefresh';
import { OnsGeography1796217170001 } from './1796217170001-OnsGeography';
import { StaffOidc1796219190001 } from './1796219190001-StaffOidc';
import { StaffMfa1796219190002 } from './1796219190002-StaffMfa';
import { AsAtHistory1796308000001 } from './1796308000001-AsAtHistory';

// Migrations in the order they run (written by `npm run migration:generate`). Never edit one that has landed.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ALL_MIGRATIONS: Function[] = [
  Initial1795399254187,
  Residents1795399401568,
  Schemes1795399769475,
  Cadets1795399795730,
  Funding1795399947165,
  Messaging1795400139358,
  ResidentSearch1795400272376,
  Engagement1795401025017,
  Reports1795402117457,
  ReportStats1795406003289,
  DeliveryCursor1795410667256,
  PatrolCancel1795412296755,
  Imports1796011180650,
  ResidentAddressClaims1796011406021,
  StaffSession1796016100000,
  MoneyBigint1796022714001,
  SchemeConsent1796022714002,
  Surveys1796081420318,
  ReportRefresh1796215150000,
  OnsGeography1796217170001,
  StaffOidc1796219190001,
  StaffMfa1796219190002,
  AsAtHistory1796308000001,
];
