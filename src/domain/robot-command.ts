/** The robot commands of live-streaming groups (AVChatRoom only). */
export type RobotCommand = 'add_robots' | 'del_robots';

export const ROBOT_COMMANDS: readonly RobotCommand[] = ['add_robots', 'del_robots'];
