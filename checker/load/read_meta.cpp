// [meta]: which format version a file is written in and where it came from.
#include "checker/load/entity_readers.h"
#include "checker/load/field_reader.h"

namespace topocheck {

void read_meta(LoadContext& ctx, const doc::Table& table) {
  FieldReader r(ctx, table, Table::meta, ctx.file, nullptr);
  SourceFile& file = ctx.source_file();
  if (auto format = r.string("format")) {
    file.format = std::string(*format);
    if (*format != kEstateFormat) {
      r.field_error("format", r.value_loc("format"),
                    "unsupported format \"" + file.format + "\"; this checker reads \"" +
                        std::string(kEstateFormat) + "\"");
    }
  }
  if (auto source = r.string("source")) file.source = std::string(*source);
  file.exported_at = r.timestamp("exported_at");
  r.finish();
}

}  // namespace topocheck
