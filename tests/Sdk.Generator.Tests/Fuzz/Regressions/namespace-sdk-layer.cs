// Fuzz seed 1700155 (and 1700398), minimised: a file-scoped namespace Sdk.Layer hid the type global::Sdk.Layer the
// generated properties are declared with (CS0435, CS0118 in the generated file); now SDK0041 on the namespace.
using Sdk;

namespace Sdk.Layer;

[Network(InputShape = new[] { 3, 16, 16 })]
public partial class Broken
{
    [Conv2D(8, Stride = -1)] public partial Layer C { get; }
}
