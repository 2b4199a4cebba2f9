"""What the bundled sector plugins share, so that each stays a few small files.

`catalogue` builds categories, positions and frameworks from compact rows; `profiles`
turns a plugin's profile table and strawberry types into `Organization.<x>Profile`, its
DataLoader and the `update<X>Profile` mutation (service in `profile_service`); `plugin`
writes a sector plugin's hook implementations from one `SectorPlugin` description;
`demo` holds the set-based helpers the plugins' demo parts use.
"""
