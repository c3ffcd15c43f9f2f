namespace Sdk.Placement;

/// <summary>A device of the machine: accelerator i (0..k-1) or CPU i (0..l-1).</summary>
public readonly record struct DeviceId(DeviceKind Kind, int Index)
{
    public static DeviceId Accelerator(int index) => new(DeviceKind.Accelerator, index);

    public static DeviceId Cpu(int index) => new(DeviceKind.Cpu, index);

    public override string ToString() => (Kind == DeviceKind.Accelerator ? "accelerator " : "cpu ") + Index;
}
