namespace Sdk.Placement;

public enum DeviceKind
{
    Accelerator,
    Cpu,
}
