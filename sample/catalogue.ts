/** Jinan's registry-side reference data: districts, carriers, banks, institutions, universities. */
import type { WireDataOf } from "../shared/contract";

export const DISTRICTS = [
  { id: "370102", name: "历下区", division: "370102" },
  { id: "370103", name: "市中区", division: "370103" },
  { id: "370104", name: "槐荫区", division: "370104" },
  { id: "370105", name: "天桥区", division: "370105" },
  { id: "370112", name: "历城区", division: "370112" },
  { id: "370113", name: "长清区", division: "370113" },
  { id: "370114", name: "章丘区", division: "370114" },
  { id: "370115", name: "济阳区", division: "370115" },
  { id: "370116", name: "莱芜区", division: "370116" },
  { id: "370117", name: "钢城区", division: "370117" },
  { id: "370124", name: "平阴县", division: "370124" },
  { id: "370126", name: "商河县", division: "370126" },
  // Enterprises in the high-tech zone register with the municipal division code.
  { id: "jinan-hitech-zone", name: "济南高新区", division: "370100" },
] as const;

export type DistrictId = (typeof DISTRICTS)[number]["id"];
export const DISTRICT_IDS: readonly DistrictId[] = DISTRICTS.map((d) => d.id);

/** Where high-tech enterprises cluster: the zone and the central districts take most. */
export const DISTRICT_WEIGHTS: readonly (readonly [DistrictId, number])[] = [
  ["jinan-hitech-zone", 30],
  ["370102", 14],
  ["370112", 12],
  ["370103", 7],
  ["370104", 6],
  ["370105", 6],
  ["370113", 4],
  ["370114", 6],
  ["370115", 3],
  ["370116", 4],
  ["370117", 2],
  ["370124", 1],
  ["370126", 1],
];

export function divisionOf(district: DistrictId): string {
  return DISTRICTS.find((d) => d.id === district)?.division ?? "370100";
}

export type CarrierKind = WireDataOf<"carrier.accredited">["kind"];
export type Level = WireDataOf<"carrier.accredited">["level"];

export interface Carrier {
  readonly id: string;
  readonly name: string;
  readonly kind: CarrierKind;
}

export const CARRIERS = {
  qiluSoftware: { id: "qilu-software-park-incubator", name: "齐鲁软件园科技企业孵化器", kind: "incubator" },
  hitechStartup: { id: "jinan-hitech-startup-center", name: "济南高新区创业服务中心", kind: "incubator" },
  innovationValley: {
    id: "jinan-innovation-valley-incubator",
    name: "济南创新谷科技企业孵化器",
    kind: "incubator",
  },
  aiIncubator: { id: "shandong-ai-industry-incubator", name: "山东人工智能产业孵化器", kind: "incubator" },
  biomed: { id: "qilu-biomed-port-incubator", name: "齐鲁医药港生物医药孵化器", kind: "incubator" },
  tangye: { id: "licheng-tangye-incubator", name: "历城唐冶科技企业孵化器", kind: "incubator" },
  huaiyin: { id: "huaiyin-design-incubator", name: "槐荫工业设计孵化器", kind: "incubator" },
  mingshui: { id: "zhangqiu-mingshui-incubator", name: "章丘明水科技企业孵化器", kind: "incubator" },
  laiwu: { id: "laiwu-hitech-startup-center", name: "莱芜高新区创业服务中心", kind: "incubator" },
  gangcheng: { id: "gangcheng-tech-incubator", name: "钢城科技企业孵化器", kind: "incubator" },
  quanchengSpace: { id: "quancheng-makerspace", name: "泉城众创空间", kind: "makerspace" },
  lixiaCbd: { id: "lixia-cbd-makerspace", name: "历下CBD众创空间", kind: "makerspace" },
  tianqiao: { id: "tianqiao-youth-makerspace", name: "天桥青年创客空间", kind: "makerspace" },
  shizhong: { id: "shizhong-digital-makerspace", name: "市中数字经济众创空间", kind: "makerspace" },
  changqing: { id: "changqing-univ-town-makerspace", name: "长清大学城众创空间", kind: "makerspace" },
  jiyang: { id: "jiyang-pioneer-makerspace", name: "济阳创业者众创空间", kind: "makerspace" },
  sduPark: { id: "sdu-national-usp", name: "山东大学国家大学科技园", kind: "university-science-park" },
  qluPark: { id: "qlu-usp", name: "齐鲁工业大学大学科技园", kind: "university-science-park" },
  ujnPark: { id: "ujn-usp", name: "济南大学科技园", kind: "university-science-park" },
} as const satisfies Record<string, Carrier>;

/** Carriers that incubate enterprises (the certification registry names them as `incubator`). */
export const INCUBATING_CARRIERS: readonly Carrier[] = Object.values(CARRIERS).filter(
  (c) => c.kind !== "university-science-park",
);

export interface Organisation {
  readonly id: string;
  readonly name: string;
}

export const TRANSFER_INSTITUTIONS = {
  sdExchange: { id: "sd-tech-exchange", name: "山东省技术成果交易中心" },
  jinanTtc: { id: "jinan-ttc", name: "济南市技术转移中心" },
  sduTtc: { id: "sdu-ttc", name: "山东大学技术转移中心" },
  qluTtc: { id: "qlu-ttc", name: "齐鲁工业大学（山东省科学院）技术转移中心" },
  ujnTtc: { id: "ujn-ttc", name: "济南大学技术转移中心" },
  sdasTtc: { id: "sdas-laser-ttc", name: "山东省科学院激光研究所成果转化中心" },
  hitechTtc: { id: "jinan-hitech-ttc", name: "济南高新区技术转移服务中心" },
  quanchengIp: { id: "quancheng-ip-ops", name: "泉城知识产权运营服务有限公司" },
  qiluMarket: { id: "qilu-tech-market", name: "齐鲁技术市场服务有限公司" },
  kechuang: { id: "sd-kechuang-transfer", name: "山东科创技术转移有限公司" },
  bridge: { id: "jinan-innovation-bridge", name: "济南创新桥技术转移服务有限公司" },
  casJinan: { id: "cas-jinan-tt-center", name: "中国科学院济南科技成果转化中心" },
} as const satisfies Record<string, Organisation>;

export interface Bank extends Organisation {
  /** The prefix of the bank's loan numbers. */
  readonly loanPrefix: string;
}

export const BANKS: readonly Bank[] = [
  { id: "qilu-bank", name: "齐鲁银行股份有限公司", loanPrefix: "QLB" },
  { id: "jinan-rcb", name: "济南农村商业银行股份有限公司", loanPrefix: "JNB" },
  { id: "boc-jinan", name: "中国银行股份有限公司济南分行", loanPrefix: "BOCJN" },
  { id: "icbc-jinan", name: "中国工商银行股份有限公司济南分行", loanPrefix: "ICBCJN" },
  { id: "cmb-jinan", name: "招商银行股份有限公司济南分行", loanPrefix: "CMBJN" },
  { id: "hfb-jinan", name: "恒丰银行股份有限公司济南分行", loanPrefix: "HFBJN" },
  { id: "cib-jinan", name: "兴业银行股份有限公司济南分行", loanPrefix: "CIBJN" },
  { id: "spdb-jinan", name: "上海浦东发展银行股份有限公司济南分行", loanPrefix: "SPDBJN" },
];

/** What a contract party other than an enterprise is. */
export type PartyKind = Exclude<WireDataOf<"tech-contract.registered">["seller"]["kind"], "enterprise">;

/** Universities and institutes that sell (and now and then buy) technology. */
export const ACADEMIA: readonly {
  readonly name: string;
  readonly kind: PartyKind;
  readonly division: string;
}[] = [
  { name: "山东大学", kind: "university", division: "370102" },
  { name: "济南大学", kind: "university", division: "370103" },
  { name: "齐鲁工业大学", kind: "university", division: "370113" },
  { name: "山东师范大学", kind: "university", division: "370113" },
  { name: "山东建筑大学", kind: "university", division: "370112" },
  { name: "山东中医药大学", kind: "university", division: "370113" },
  { name: "山东财经大学", kind: "university", division: "370102" },
  { name: "山东第一医科大学", kind: "university", division: "370116" },
  { name: "山东省科学院激光研究所", kind: "institute", division: "370100" },
  { name: "山东省科学院自动化研究所", kind: "institute", division: "370102" },
  { name: "山东省计算中心（国家超级计算济南中心）", kind: "institute", division: "370100" },
  { name: "山东省农业科学院", kind: "institute", division: "370105" },
  { name: "山东省医学科学院", kind: "institute", division: "370116" },
  { name: "济南市农业科学研究院", kind: "institute", division: "370112" },
];

/** Pieces of company names. */
export const NAME_PARTS = {
  prefix: [
    ["济南", 78],
    ["山东", 22],
  ],
  brand: [
    ..."华瑞鲁泉齐森云智博海创信达通中天恒润星源泰康联宏舜明嘉汇睿德诚佳远航芯浩宇正金盛安晟凯卓腾元和景",
  ],
  trade: [
    "信息",
    "软件",
    "数据",
    "智能",
    "电子",
    "生物",
    "医药",
    "新材料",
    "环保",
    "光电",
    "精密",
    "能源",
    "机器人",
    "半导体",
    "网络",
    "自动化",
    "仪器",
    "检测",
    "装备",
    "医疗器械",
    "云计算",
    "量子",
    "储能",
    "农业",
    "激光",
    "北斗",
  ],
  suffix: [
    ["科技有限公司", 55],
    ["技术有限公司", 20],
    ["科技股份有限公司", 10],
    ["科技发展有限公司", 8],
    ["技术服务有限公司", 7],
  ],
  teamTopic: [
    "智能硬件",
    "无人机",
    "工业视觉",
    "中医药数据",
    "低空经济",
    "农业物联网",
    "储能材料",
    "康养机器人",
    "数字文创",
    "生物检测",
    "大模型应用",
    "芯片设计",
    "碳中和",
    "智慧水务",
    "3D打印",
  ],
  teamSuffix: [
    ["创业团队", 60],
    ["创客团队", 40],
  ],
} as const;

export const REVOCATION_REASONS = [
  "在申请认定过程中存在严重弄虚作假行为，取消其高新技术企业资格",
  "发生重大安全、重大质量事故或有严重环境违法行为，取消其高新技术企业资格",
  "经复核不符合高新技术企业认定条件，取消其高新技术企业资格",
  "未按期报告与认定条件有关重大变化且经核实不符合认定条件",
  "连续两年未填报高新技术企业年度发展情况报表",
] as const;
