// ops_models bundles the per-folder libraries; this unit gives the bundle a home of its own.
namespace ops {
const char* modelsLibraryName()
{
    return "ops_models";
}
} // namespace ops
