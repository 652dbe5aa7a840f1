// The record tables: relations, certificates, vulnerabilities, accounts, changes and waivers.
#include <fmt/format.h>

#include "checker/load/entity_readers.h"
#include "checker/load/value_readers.h"

namespace topocheck {
namespace {

void read_string(FieldReader& r, const char* key, std::string& out) {
  if (auto value = r.string(key)) out = std::string(*value);
}

// A list of plain strings that must not be empty (waiver cis: ids or globs).
std::vector<std::string> read_nonempty_strings(FieldReader& r, const char* key,
                                               std::string_view what) {
  std::vector<std::string> out;
  const doc::Array* array = r.array(key, "an array of strings");
  if (array == nullptr) return out;
  if (array->empty())
    r.field_error(key, r.value_loc(key), "must name at least one " + std::string(what));
  r.each_string(key, *array,
                [&](uint32_t, std::string_view text, const SourceLoc&) { out.emplace_back(text); });
  return out;
}

void check_cvss(FieldReader& r, double cvss) {
  if (cvss >= 0.0 && cvss <= 10.0) return;
  r.field_error("cvss", r.value_loc("cvss"),
                fmt::format("{} is out of range; a CVSS score is 0.0 to 10.0", cvss));
}

void check_change_window(FieldReader& r, const Change& change) {
  if (!change.start || !change.end || *change.start <= *change.end) return;
  r.field_error(
      "end", r.value_loc("end"),
      "ends (" + to_string(*change.end) + ") before it starts (" + to_string(*change.start) + ")");
}

}  // namespace

void read_relation(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.relations.size());
  Relation& relation = ctx.estate.relations.emplace_back();
  relation.loc = ctx.loc(table.source());
  FieldReader r(ctx, table, Table::relation, index, &relation);
  read_reference(r, "from", RefSlot::relation_from);
  read_reference(r, "to", RefSlot::relation_to);
  if (auto type = r.enumeration<RelationType>("type")) relation.type = *type;
  relation.on = read_service(r, "on");
  relation.services = read_service_list(r, "services");
  read_string(r, "ruleset", relation.ruleset);
  r.require({"from", "to", "type"});
  r.finish();
}

void read_certificate(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.certificates.size());
  Certificate& cert = ctx.estate.certificates.emplace_back();
  cert.loc = ctx.loc(table.source());
  FieldReader r(ctx, table, Table::certificate, index, &cert);
  if (auto id = read_id(r, Table::certificate, index)) cert.id = std::move(*id);
  read_string(r, "subject", cert.subject);
  read_reference(r, "issuer", RefSlot::certificate_issuer);
  cert.not_after = r.timestamp("not_after");
  r.require({"id", "issuer"});
  r.finish();
}

void read_vulnerability(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.vulnerabilities.size());
  Vulnerability& vuln = ctx.estate.vulnerabilities.emplace_back();
  vuln.loc = ctx.loc(table.source());
  FieldReader r(ctx, table, Table::vulnerability, index, &vuln);
  read_string(r, "cve", vuln.cve);
  read_reference(r, "ci", RefSlot::vulnerability_ci);
  if (auto cvss = r.number("cvss")) {
    vuln.cvss = *cvss;
    check_cvss(r, *cvss);
  }
  vuln.kev = r.boolean("kev").value_or(false);
  vuln.kev_added = r.date("kev_added");
  vuln.first_seen = r.date("first_seen");
  if (auto status = r.enumeration<VulnStatus>("status")) vuln.status = *status;
  vuln.fixed_at = r.date("fixed_at");
  if (auto change = read_reference(r, "fixed_by_change", RefSlot::vulnerability_fixed_by_change)) {
    vuln.fixed_by_change = std::string(*change);
  }
  r.require({"ci", "cve"});
  r.finish();
}

void read_account(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.accounts.size());
  Account& account = ctx.estate.accounts.emplace_back();
  account.loc = ctx.loc(table.source());
  FieldReader r(ctx, table, Table::account, index, &account);
  if (auto id = read_id(r, Table::account, index)) account.id = std::move(*id);
  if (auto kind = r.enumeration<AccountKind>("kind")) account.kind = *kind;
  account.directory = r.enumeration<DirectoryKind>("directory").value_or(DirectoryKind::unset);
  account.owner = r.enumeration<Provider>("owner").value_or(Provider::unset);
  r.require({"id", "kind"});
  r.finish();
}

void read_change(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.changes.size());
  Change& change = ctx.estate.changes.emplace_back();
  change.loc = ctx.loc(table.source());
  FieldReader r(ctx, table, Table::change, index, &change);
  if (auto id = read_id(r, Table::change, index)) change.id = std::move(*id);
  change.environment = r.enumeration<Environment>("environment").value_or(Environment::unset);
  change.start = r.timestamp("start");
  change.end = r.timestamp("end");
  check_change_window(r, change);
  change.downtime = r.boolean("downtime").value_or(false);
  change.emergency = r.boolean("emergency").value_or(false);
  change.announced_at = r.timestamp("announced_at");
  change.kind = r.enumeration<ChangeKind>("kind").value_or(ChangeKind::unset);
  read_string(r, "release", change.release);
  read_reference_list(r, "cis", RefSlot::change_ci, change.cis);
  r.require({"id"});
  r.finish();
}

void read_waiver(LoadContext& ctx, const doc::Table& table) {
  Index index = static_cast<Index>(ctx.estate.waivers.size());
  Waiver& waiver = ctx.estate.waivers.emplace_back();
  waiver.loc = ctx.loc(table.source());
  FieldReader r(ctx, table, Table::waiver, index, &waiver);
  read_string(r, "rule", waiver.rule);
  waiver.cis = read_nonempty_strings(r, "cis", "ci id or glob");
  read_string(r, "justification", waiver.justification);
  read_string(r, "agreed_by", waiver.agreed_by);
  read_string(r, "reference", waiver.reference);
  waiver.expires = r.date("expires");
  r.require({"rule", "cis"});
  r.finish();
}

}  // namespace topocheck
