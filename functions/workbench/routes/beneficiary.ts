import { z } from "zod";
import { organisationIdProblem } from "../../../shared/contract/strings";
import { usccDetail } from "../../../shared/contract/values";
import { BENEFICIARY_KINDS } from "../../../shared/policy/payments";

/** A beneficiary in a path: an enterprise by its USCC (checked), any other by its organisation or district id. */
export const beneficiaryParams = z
  .strictObject({ kind: z.enum(BENEFICIARY_KINDS), id: z.string().min(1).max(64) })
  .superRefine((b, ctx) => {
    const problem = b.kind === "enterprise" ? usccDetail(b.id) : organisationIdProblem(b.id);
    if (problem) ctx.addIssue({ code: "custom", path: ["id"], message: problem });
  });
