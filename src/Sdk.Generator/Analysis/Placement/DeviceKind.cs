namespace Sdk.Generator.Analysis.Placement;

public enum DeviceKind
{
    Accelerator,
    Cpu,
}
